// contract §4: number values compare as exact decimals, but the number columns hold integers. A comparison with a
// decimal is the same comparison with the integer beside it (`> 2.5` is `>= 3`, `= 2.5` matches nothing), and one
// whose bound lies past every value a column can hold is decided here: only integers a column can hold, which
// both databases read and compare alike, are ever sent.
import type { NumberValue } from '../../../contract/index.js';

/** What a number column can hold: the integers both drivers read exactly (the writers refuse any other). */
const COLUMN_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const COLUMN_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** `column operator value`, with value an integer the column can hold; or a verdict true or false for every row. */
export type IntegerComparison = { operator: '=' | '<>' | '>=' | '<='; value: number } | boolean;

function atLeast(bound: bigint): IntegerComparison {
  if (bound <= COLUMN_MIN) return true;
  return bound > COLUMN_MAX ? false : { operator: '>=', value: Number(bound) };
}

function atMost(bound: bigint): IntegerComparison {
  if (bound >= COLUMN_MAX) return true;
  return bound < COLUMN_MIN ? false : { operator: '<=', value: Number(bound) };
}

function equalTo({ floor, isIntegral }: NumberValue, isNegated: boolean): IntegerComparison {
  if (!isIntegral || floor < COLUMN_MIN || floor > COLUMN_MAX) return isNegated;
  return { operator: isNegated ? '<>' : '=', value: Number(floor) };
}

/** A filter comparison (`=`, `!=`, `>`, `>=`, `<`, `<=`) of an integer column with a number value. */
export function compareInteger(operator: string, number: NumberValue): IntegerComparison {
  const ceiling = number.isIntegral ? number.floor : number.floor + 1n;
  switch (operator) {
    case '>':
      return atLeast(number.floor + 1n);
    case '>=':
      return atLeast(ceiling);
    case '<':
      return atMost(ceiling - 1n);
    case '<=':
      return atMost(number.floor);
    case '!=':
      return equalTo(number, true);
    default:
      return equalTo(number, false);
  }
}
