/** The pack: deterministic ZIP, manifest, SHA256SUMS, sidecar, signing and verification. */
export { canonicalJson, canonicalJsonBytes } from './canonical-json.ts';
export { MANIFEST_SCHEMA, buildManifest, parseSha256Sums, renderSha256Sums } from './manifest.ts';
export type { FileDigest, Manifest, ManifestInput } from './manifest.ts';
export { assemblePack } from './assemble.ts';
export type { AssembledPack, PackFile } from './assemble.ts';
export { writeDeterministicZip } from './zip-writer.ts';
export { digestContent, digestFileSource, isFileSource } from './file-source.ts';
export type { ContentDigest, FileSource } from './file-source.ts';
export { ZipFormatError, readPackEntries, readZipEntries } from './zip-reader.ts';
export { PackExistsError, packName, removeStalePartials, writePack } from './write-pack.ts';
export type { WritePackInput, WrittenPack } from './write-pack.ts';
export { renderPackReadme } from './readme-txt.ts';
export type { PackReadmeInfo } from './readme-txt.ts';
export { ed25519SignerFromFile, ed25519SignerFromPem, kmsSigner, verifySignature } from './sign.ts';
export type { SignatureAlgorithm, SignatureRecord, Signer } from './sign.ts';
export { formatVerifyReport, verifyPack } from './verify.ts';
export type { VerifyOptions, VerifyProblem, VerifyProblemKind, VerifyReport } from './verify.ts';
export { kmsPublicKeyPem, kmsPublicKeyPemFromClient, kmsVerifier } from './kms-verify.ts';
