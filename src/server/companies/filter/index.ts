// The filter language (contract §4): a body's filter parsed into a predicate, and the predicate as SQL.
export { compilePredicate } from './compile-predicate.js';
export { type Predicate, parseFilter } from './parse-filter.js';
