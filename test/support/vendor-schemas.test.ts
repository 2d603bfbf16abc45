// The vendor's OpenAPI document as the wire checks read it: OpenAPI 3.0 `nullable` as JSON null, closed objects.
import { describe, expect, it } from 'vitest';
import { vendorComponentViolationsOf, vendorViolationsOf } from './vendor-schemas.js';

describe("the vendor's schemas as the wire checks read them", () => {
  const envelope = (data: unknown) => ({ data, status: 'SUCCESS', message: null, validationMessages: null });
  const check = { isLimited: true, licenseLimit: 10, activeUserCount: 1, totalUserCount: 2, isLicenseExceeded: false };

  it('admit null where the document says nullable, and nowhere else', () => {
    expect(vendorViolationsOf('GET', '/api/companies/AAAAAAAAAAAA/license-check', envelope(check))).toEqual([]);
    const unlimited = { ...check, licenseLimit: null };
    expect(vendorViolationsOf('GET', '/api/companies/AAAAAAAAAAAA/license-check', envelope(unlimited))).toEqual([]);
    expect(
      vendorViolationsOf('GET', '/api/companies/AAAAAAAAAAAA/license-check', envelope({ ...check, isLimited: null })),
    ).toEqual(['/data/isLimited: null where not nullable']);
  });

  it('resolve references, recursively, and check int32 ranges', () => {
    const node = { name: 'a', resourceId: 'A', licenceExpired: false, privacyDurationId: 2 ** 31, children: [] };
    expect(
      vendorComponentViolationsOf('KeepnetLabs.ApplicationService.Company.Dto.GetMyCompaniesDto', {
        ...node,
        privacyDurationId: 1,
        children: [node],
      }),
    ).toEqual(['/children/0/privacyDurationId: outside int32, got 2147483648']);
    expect(vendorViolationsOf('GET', '/api/companies/my', envelope([{ ...node, privacyDurationId: 0 }]))).toEqual([]);
  });

  it('refuse a property the document does not name, and a value of the wrong type', () => {
    expect(
      vendorViolationsOf('GET', '/api/companies/AAAAAAAAAAAA/license-check', envelope({ ...check, extra: 1 })),
    ).toEqual(["/data/extra: not in the vendor's schema"]);
    expect(vendorViolationsOf('GET', '/api/lookups/licenses', envelope({ licenses: [{ name: 3 }] }))).toEqual([
      '/data/licenses/0/name: expected string, got 3',
    ]);
    expect(vendorViolationsOf('GET', '/api/companies/get-current-time/UTC', envelope('now'))).toEqual([]);
    expect(
      vendorViolationsOf('POST', '/api/companies/licenseexpirydate', envelope({ licenseExpiryDate: 'x' })),
    ).toEqual(['/data/licenseExpiryDate: expected a date-time, got "x"']);
  });
});
