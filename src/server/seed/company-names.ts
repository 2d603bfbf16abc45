// Realistic company names, including the awkward ones an export must survive: accents, commas, double quotes,
// newlines, and text a spreadsheet would run as a formula (contract §5).
import type { Random } from './random.js';

const STEMS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Blue Harbor',
  'Silverline',
  'Redwood',
  'Summit',
  'Evergreen',
  'Ironbridge',
  'Brightwater',
  'Cedar',
  'Falcon',
  'Granite',
  'Harbor',
  'Juniper',
  'Keystone',
  'Lakeside',
  'Meridian',
  'Nimbus',
  'Oakridge',
  'Pinnacle',
  'Quantum',
  'Riverbend',
  'Sterling',
  'Tidewater',
  'Unity',
  'Vanguard',
  'Westfield',
  'Zenith',
  'Atlas',
  'Beacon',
  'Cobalt',
  'Delta',
  'Ember',
  'Frontier',
  'Golden Gate',
  'Horizon',
  'Insight',
  'Jade',
  'Kestrel',
  'Liberty',
  'Mosaic',
  'Nova',
  'Orion',
  'Polaris',
  'Quarry',
  'Sapphire',
  'Trident',
  'Urban',
  'Vertex',
  'Willow',
  'Yellowstone',
  'Aurora',
  'Bayview',
  'Crescent',
  'Driftwood',
  'Elm',
  'Foxglove',
  'Greystone',
  'Hawthorn',
  'Ivy',
  'Larch',
  'Maple',
  'Nordic',
  'Olympus',
  'Prairie',
  'Sequoia',
  // Accents: the export is UTF-8 with a BOM so Excel shows these right.
  'Müller',
  'Søndergaard',
  'Café Lumière',
  'Straßburger',
  'Øresund',
  'Ångström',
  'Zürich',
  'Crème',
  'Señor',
  'Élan',
  'Jäger',
  'Bjørn',
  'Łódź',
  'Ñandú',
];

const TRADES = [
  'Logistics',
  'Health',
  'Systems',
  'Consulting',
  'Foods',
  'Energy',
  'Legal',
  'Capital',
  'Dental',
  'Analytics',
  'Engineering',
  'Media',
  'Retail',
  'Pharma',
  'Construction',
  'Software',
  'Security',
  'Travel',
  'Insurance',
  'Architects',
  'Labs',
  'Networks',
  'Hotels',
  'Motors',
  'Design',
  'Bau',
  'Technik',
  'Transport',
  'Finance',
];

const SUFFIXES = ['Inc.', 'Ltd', 'LLC', 'GmbH', 'AG', 'SARL', 'S.A.', 'ApS', 'AB', 'B.V.', 'Pty Ltd', 'Co.', 'plc'];

const RESELLER_TRADES = [
  'IT Partners',
  'Managed Services',
  'Cloud Solutions',
  'Technology Group',
  'Digital',
  'Networks Reseller',
  'Secure IT',
  'Systems Integration',
  'Tech Distribution',
  'IT Services',
  'Cyber Partners',
  'Infrastructure',
  'Channel Partners',
  'Computer Services',
  'Connect',
];

const REGIONS = ['EMEA', 'Nordics', 'DACH', 'Benelux', 'Iberia', 'North America', 'APAC', 'LATAM'];

/** Patterns that break naive CSV writers and spreadsheets; `{}` is replaced by an ordinary stem. */
const AWKWARD_PATTERNS = [
  '{}, Smith & Partners',
  'Harris, Lee and Co.',
  'The "{}" Company',
  '"Quoted" {} Ltd',
  '{}\nHoldings',
  '=1+2 {}',
  '+44 {} Telecom',
  '-{} Minus Design',
  '@{} Social',
  '=SUM(A1:A9)',
];

/** contract §5: exactly one company carries a live spreadsheet formula as its name. */
export const FORMULA_COMPANY_NAME = '=HYPERLINK("http://x","y")';

/** How many awkward names a seed guarantees before leaving the rest to chance. */
export const AWKWARD_PATTERN_COUNT = AWKWARD_PATTERNS.length;

export function customerName(random: Random): string {
  const stem = random.pick(STEMS);
  if (random.chance(0.5)) return `${stem} ${random.pick(TRADES)} ${random.pick(SUFFIXES)}`;
  return random.chance(0.5) ? `${stem} ${random.pick(TRADES)}` : `${stem} ${random.pick(SUFFIXES)}`;
}

/** The `index`th awkward pattern (cycling), filled with a stem from `random`. */
export function awkwardName(random: Random, index: number): string {
  const pattern = AWKWARD_PATTERNS[index % AWKWARD_PATTERNS.length] as string;
  return pattern.replace('{}', random.pick(STEMS));
}

/** Reseller names are unique (import resolves a reseller by name), so a repeat gets a number. */
export function uniqueResellerName(random: Random, taken: Set<string>): string {
  const trade = `${random.pick(STEMS)} ${random.pick(RESELLER_TRADES)}`;
  const base = random.chance(0.5) ? `${trade} ${random.pick(REGIONS)}` : trade;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} ${n}`;
  taken.add(name);
  return name;
}
