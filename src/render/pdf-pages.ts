/**
 * Counts the pages of a PDF by its page objects (`/Type /Page`, not `/Pages`). Works for the PDFs
 * this tool writes (Chromium/Skia and pdfkit keep page dictionaries outside object streams).
 */
export function countPdfPages(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) ?? []).length;
}
