// The seed's industries and licence types (contract §4: IndustryName/LicenseTypeName and their resource ids).
import type { CatalogueEntry } from '../admin/index.js';
import { composeResourceId } from '../admin/index.js';
import type { Random } from './random.js';

const INDUSTRY_NAMES = [
  'Financial Services',
  'Healthcare',
  'Education',
  'Manufacturing',
  'Retail',
  'Technology',
  'Government',
  'Energy & Utilities',
  'Legal',
  'Hospitality',
  'Transportation & Logistics',
  'Telecommunications',
  'Non-Profit',
  'Construction',
  'Media & Entertainment',
];

const LICENSE_TYPE_NAMES = ['Trial', 'Standard', 'Professional', 'Enterprise', 'MSP Bundle'];

export interface SeedCatalogue {
  industries: CatalogueEntry[];
  licenseTypes: CatalogueEntry[];
}

export function buildCatalogue(random: Random): SeedCatalogue {
  const entry = (name: string) => ({ resourceId: composeResourceId(random.nextUint32), name });
  return { industries: INDUSTRY_NAMES.map(entry), licenseTypes: LICENSE_TYPE_NAMES.map(entry) };
}
