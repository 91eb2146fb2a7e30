/** The catalog's and the shoppers' generators: temporary SQL functions of a row's number in the run. */
import { type Plan, fn, pick, quote, skewedPick, timeline, u } from './plan.js';
import * as words from './vocabulary.js';

/** The products' functions of i (0-based within the run): the catalog as before, deterministic. */
export function productFunctions(plan: Plan): string[] {
  const t = timeline(plan);
  const { ids, nouns } = plan.categories;
  const nounCases = nouns.map((list, c) => `WHEN ${c} THEN ${pick(list, u('i', 2))}`).join(' ');
  const digits = quote('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  const base36 = [5, 4, 3, 2, 1, 0]
    .map((power) => `substr(${digits}, (v / ${36 ** power} % 36)::int + 1, 1)`)
    .join(' || ');
  const cents = `(199 + floor(power(${u('i', 5)}, 2) * 49800)::int)`;
  return [
    fn('base36(v bigint)', 'text', `SELECT ltrim(${base36}, '0')`),
    fn('p_cat(i bigint)', 'int', `SELECT floor(${u('i', 1)} * ${ids.length})::int`),
    fn('p_category_id(i bigint)', 'int', `SELECT (ARRAY[${ids.join(', ')}]::int[])[1 + pg_temp.p_cat(i)]`),
    fn('p_noun(i bigint)', 'text', `SELECT CASE pg_temp.p_cat(i) ${nounCases} END`),
    fn('p_brand(i bigint)', 'text', `SELECT ${pick(words.BRANDS, u('i', 3))}`),
    fn(
      'p_name(i bigint)',
      'text',
      `SELECT pg_temp.p_brand(i) || ' ' || ${pick(words.ADJECTIVES, u('i', 4))} || ' ' || pg_temp.p_noun(i)
              || ' ' || pg_temp.base36(${plan.products.start} + i)`,
    ),
    // Skewed low (most goods are cheap), 1.99 to 499.99, and most prices end in .99.
    fn(
      'p_cents(i bigint)',
      'int',
      `SELECT CASE WHEN ${u('i', 6)} < 0.7 THEN ${cents} / 100 * 100 + 99 ELSE ${cents} END`,
    ),
    fn('p_price(i bigint)', 'numeric', `SELECT (pg_temp.p_cents(i)::numeric / 100)::numeric(12, 2)`),
    // "features" is in every description; a feature in about one in nine; a finish in well under 1 %.
    fn(
      'p_description(i bigint)',
      'text',
      `SELECT CASE WHEN left(${pick(words.FEATURES, u('i', 7))}, 1) IN ('a', 'e', 'i', 'o', 'u') THEN 'An ' ELSE 'A ' END
              || ${pick(words.FEATURES, u('i', 7))} || ' ' || lower(pg_temp.p_noun(i)) || ' from '
              || pg_temp.p_brand(i) || ', ' || ${pick(words.BENEFITS, u('i', 8))} || '. Features '
              || ${pick(words.FEATURES, u('i', 9))} || ' materials and is ' || ${pick(words.BENEFITS, u('i', 10))} || '.'
              || CASE WHEN ${u('i', 11)} < 0.4 THEN ' Available in ' || ${skewedPick(words.COLOURS, u('i', 12))} || '.' ELSE '' END
              || CASE WHEN ${u('i', 13)} < 0.12 THEN ' Made in ' || ${skewedPick(words.ORIGINS, u('i', 14))} || '.' ELSE '' END
              || CASE WHEN ${u('i', 15)} < 0.04
                   THEN ' Finished with ' || ${skewedPick(words.RARE_FINISHES, u('i', 16))} || ' detailing.' ELSE '' END`,
    ),
    fn(
      'p_stock(i bigint)',
      'int',
      `SELECT CASE WHEN ${u('i', 17)} < 0.05 THEN 0 ELSE floor(${u('i', 18)} * 500)::int END`,
    ),
    fn('p_archived(i bigint)', 'boolean', `SELECT ${u('i', 19)} < 0.01`),
    fn(
      'p_created(i bigint)',
      'float8',
      `SELECT ${t.productsFrom} + ${t.productSpan} * (i + ${u('i', 20)}) / ${plan.products.count}`,
    ),
    // One product in ten disappoints: its reviews are mostly low.
    fn('p_disappoints(i bigint)', 'boolean', `SELECT ${u('i', 21)} < 0.1`),
  ];
}

/**
 * The shoppers' functions of k. A username and an e-mail end in a separator
 * and the shopper's id, and no letter's skeleton (account_skeleton) is a
 * digit or a separator, while the digits' skeletons (0 → o, 1 → l, the rest
 * themselves) are distinct single characters: two shoppers' names can only
 * look alike if their ids are equal. The test checks those skeleton facts.
 */
export function shopperFunctions(plan: Plan): string[] {
  const t = timeline(plan);
  const id = `(${plan.shoppers.start} + k)::text`;
  const first = 'lower(pg_temp.s_first(k))';
  const last = 'lower(pg_temp.s_last(k))';
  return [
    fn('s_first(k bigint)', 'text', `SELECT ${pick(words.FIRST_NAMES, u('k', 101))}`),
    fn('s_last(k bigint)', 'text', `SELECT ${pick(words.LAST_NAMES, u('k', 102))}`),
    fn(
      's_username(k bigint)',
      'text',
      `SELECT CASE floor(${u('k', 103)} * 4)::int
         WHEN 0 THEN ${first} || '.' || ${last} || '.' || ${id}
         WHEN 1 THEN ${first} || '_' || ${last} || '_' || ${id}
         WHEN 2 THEN left(${first}, 1) || ${last} || '_' || ${id}
         ELSE ${first} || '.' || ${id} END`,
    ),
    fn(
      's_email(k bigint)',
      'text',
      `SELECT CASE floor(${u('k', 104)} * 3)::int
         WHEN 0 THEN ${first} || '.' || ${last} || '.' || ${id}
         WHEN 1 THEN ${first} || ${last} || '_' || ${id}
         ELSE left(${first}, 1) || '.' || ${last} || '.' || ${id} END
       || '@' || ${pick(words.EMAIL_DOMAINS, u('k', 105))}`,
    ),
    // Numbers from ranges reserved for fiction (555-01xx, Ofcom's 07700 900xxx).
    fn(
      's_phone(k bigint)',
      'text',
      `SELECT CASE WHEN ${u('k', 106)} < 0.35 THEN '+1 555 01' || lpad(floor(${u('k', 107)} * 100)::int::text, 2, '0')
                   WHEN ${u('k', 106)} < 0.6 THEN '+44 7700 900' || lpad(floor(${u('k', 107)} * 1000)::int::text, 3, '0')
              END`,
    ),
    fn('s_active(k bigint)', 'boolean', `SELECT ${u('k', 108)} >= 0.005`),
    fn(
      's_created(k bigint)',
      'float8',
      `SELECT ${t.shoppersFrom} + ${t.shopperSpan} * (k + ${u('k', 109)}) / ${plan.shoppers.count}`,
    ),
    // A shipping address; with salt 100 the name is shopper key's own (salts 101, 102 as above).
    fn(
      'address(key bigint, salt int)',
      'text',
      `SELECT ${pick(words.FIRST_NAMES, u('key', 'salt + 1'))} || ' '
              || ${pick(words.LAST_NAMES, u('key', 'salt + 2'))} || ', '
              || (1 + floor(${u('key', 'salt + 3')} * 199))::int::text || ' '
              || ${pick(words.STREETS, u('key', 'salt + 4'))} || ' '
              || ${pick(words.STREET_KINDS, u('key', 'salt + 5'))} || ', '
              || ${pick(words.TOWNS, u('key', 'salt + 6'))} || ' '
              || lpad(floor(${u('key', 'salt + 7')} * 100000)::int::text, 5, '0')`,
    ),
  ];
}
