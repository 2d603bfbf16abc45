// String formats the contract's schemas name, registered for TypeBox checks (the server's Ajv knows them already).
import { FormatRegistry } from '@sinclair/typebox';

/** RFC 3339 date-time with a zone, as every DTO date field is written (`Date#toISOString()` among them). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value));
