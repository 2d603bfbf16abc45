// A small seeded PRNG (sfc32, state expanded from the seed with splitmix32): the seed must give the same rows
// on every machine and Node version, which Math.random cannot promise.
export interface Random {
  /** An integer in [0, 2^32). */
  nextUint32(): number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  integer(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items, in the order drawn. */
  pickDistinct<T>(items: readonly T[], count: number): T[];
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): Random {
  const expand = splitmix32(seed);
  let a = expand();
  let b = expand();
  let c = expand();
  let d = expand();
  const nextUint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm-up: the first outputs of sfc32 still echo the seed.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = () => nextUint32() / 4_294_967_296;
  const integer = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    nextUint32,
    next,
    integer,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[integer(0, items.length - 1)] as (typeof items)[number];
    },
    pickDistinct: (items, count) => {
      const pool = [...items];
      const picked: (typeof items)[number][] = [];
      for (let i = 0; i < Math.min(count, pool.length); i++) {
        const [item] = pool.splice(integer(0, pool.length - 1), 1);
        picked.push(item as (typeof items)[number]);
      }
      return picked;
    },
  };
}
