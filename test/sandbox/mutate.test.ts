import { describe, expect, it } from 'vitest';
import { parseFaultRule } from '../../src/sandbox/faults.ts';
import { mutateBody } from '../../src/sandbox/mutate.ts';

describe('response mutation faults', () => {
  it('strips or replaces a member of an XML body by its element path, in every matching element', () => {
    const xml =
      '<?xml version="1.0"?><AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList>' +
      '<Grant><Grantee xmlns:xsi="x" xsi:type="CanonicalUser"><ID>o</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>' +
      '<Grant><Grantee xmlns:xsi="x" xsi:type="Group"><URI>u</URI></Grantee><Permission>READ</Permission></Grant>' +
      '</AccessControlList></AccessControlPolicy>';
    const stripped = mutateBody(xml, 'rest-xml', [
      { kind: 'StripField', field: 'AccessControlPolicy.AccessControlList.Grant.Permission' },
    ]);
    expect(stripped).not.toContain('Permission');
    expect(stripped).toContain('<Owner><ID>o</ID></Owner>');
    const noType = mutateBody(xml, 'rest-xml', [
      { kind: 'StripField', field: 'AccessControlPolicy.AccessControlList.Grant.Grantee.@xsi:type' },
    ]);
    expect(noType).not.toContain('xsi:type');
    expect(
      mutateBody('<PolicyStatus><IsPublic>true</IsPublic></PolicyStatus>', 'rest-xml', [
        { kind: 'ReplaceField', field: 'PolicyStatus.IsPublic', value: 'a<b' },
      ]),
    ).toBe('<PolicyStatus><IsPublic>a&lt;b</IsPublic></PolicyStatus>');
  });

  it('strips or replaces a JSON member, through lists', () => {
    const body = JSON.stringify({
      KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' },
      List: [{ a: 1 }, { a: 2 }],
    });
    expect(
      JSON.parse(
        mutateBody(body, 'json', [
          { kind: 'StripField', field: 'KeyMetadata.KeyState' },
          { kind: 'ReplaceField', field: 'List.a', value: 'x' },
        ]),
      ),
    ).toEqual({ KeyMetadata: { KeyId: 'k' }, List: [{ a: 'x' }, { a: 'x' }] });
  });

  it('validates mutation rules arriving over the admin API', () => {
    expect(parseFaultRule({ kind: 'StripField' })).toMatch(/needs field/);
    expect(parseFaultRule({ kind: 'ReplaceField', field: 'A.B', value: {} })).toMatch(/value must be/);
    expect(parseFaultRule({ kind: 'StripField', field: 'A.B', operation: 'Get*' })).toEqual({
      kind: 'StripField',
      field: 'A.B',
      operation: 'Get*',
    });
  });
});
