// What the history keeps of a company: the fields a renewal campaign compares from one run to the next.
import { isOverLimit, licenceLimitOf, renewalDayOf, type SearchCompanyDto } from '../contract/index.js';

export interface CompanyFacts {
  companyResourceId: string;
  companyName: string;
  resellerName: string | null;
  licenceType: string | null;
  /** The UTC calendar day of licenseEndDate (contract §4); null: open-ended. */
  renewalDay: string | null;
  /** The licence limit; null: not limited. */
  userLimit: number | null;
  targetUserCount: number;
}

export function factsOf(company: SearchCompanyDto): CompanyFacts {
  return {
    companyResourceId: company.companyResourceId,
    companyName: company.companyName,
    resellerName: company.resellerName,
    licenceType: company.licenseTypeName,
    renewalDay: renewalDayOf(company.licenseEndDate),
    userLimit: licenceLimitOf(company),
    targetUserCount: company.targetUserCount,
  };
}

/** Over the licence limit, by the contract's rule, on the kept facts. */
export function isFactOverLimit(facts: CompanyFacts): boolean {
  return isOverLimit({
    isNumberOfUsersLimited: facts.userLimit !== null,
    numberOfUsers: facts.userLimit ?? 0,
    targetUserCount: facts.targetUserCount,
  });
}
