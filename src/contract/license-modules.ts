// The licence modules a licence type may include, with the resource ids the filter's ModuleResourceId names
// (contract §4). A company's modules are stored by name (CompanyDto.licenseModules), so an id finds its module here.
export const LICENSE_MODULES = [
  { resourceId: 'modulePhish0', name: 'Phishing Simulator' },
  { resourceId: 'moduleAware0', name: 'Awareness Educator' },
  { resourceId: 'moduleIncid0', name: 'Incident Responder' },
  { resourceId: 'moduleThrea0', name: 'Threat Intelligence' },
  { resourceId: 'moduleVishi0', name: 'Vishing Simulator' },
] as const;

export type LicenseModuleName = (typeof LICENSE_MODULES)[number]['name'];

/** The module a resource id names, or undefined. */
export function licenseModuleNamed(resourceId: string): LicenseModuleName | undefined {
  return LICENSE_MODULES.find((module) => module.resourceId === resourceId)?.name;
}
