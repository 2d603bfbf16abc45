// Names every plain object answers to through its prototype. A name looked up in a plain object finds these
// whatever the object holds, so every string a caller sends where the server looks a name up is tried with them,
// as they are and in other cases (lookups are case-insensitive).
const NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'prototype',
];

const casesOf = (name: string) => [
  name,
  name.toLowerCase(),
  name.toUpperCase(),
  name[0]?.toUpperCase() + name.slice(1),
];

export const PROTOTYPE_NAMES: readonly string[] = [...new Set(NAMES.flatMap(casesOf))];
