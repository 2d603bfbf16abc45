// The page's components, one file each.
export * from './acknowledgement-mark.js';
export * from './ageing-buckets.js';
export * from './changes-view.js';
export * from './company-drawer.js';
export * from './company-table.js';
export * from './error-panel.js';
export * from './filter-bar.js';
export * from './key-figures.js';
export * from './lifecycle-state.js';
export * from './pager.js';
export * from './renewals-chart.js';
export * from './roll-up-table.js';
export * from './view-tabs.js';
