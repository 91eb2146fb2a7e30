'use strict';
/**
 * The demo catalog: 8 categories and ~220 realistic products (seeders/data).
 * Skipped when SEED_DEMO_DATA is false (the default in production).
 */
const { categories, products } = require('./data/catalog.cjs');
const { seedDemoData } = require('../db/seed-helpers.cjs');

const DAY_MS = 24 * 60 * 60 * 1000;

module.exports = {
  async up(queryInterface) {
    if (!seedDemoData()) return;
    await queryInterface.sequelize.transaction(async (transaction) => {
      const now = Date.now();
      await queryInterface.bulkInsert(
        'categories',
        categories.map((c) => ({ ...c, created_at: new Date(now), updated_at: new Date(now) })),
        { transaction },
      );
      const [rows] = await queryInterface.sequelize.query('SELECT id, name FROM categories', { transaction });
      const idByName = new Map(rows.map((row) => [row.name, row.id]));
      // Spread creation dates over the last 90 days so "newest" is a meaningful sort.
      const seeded = products.map((p, index) => {
        const createdAt = new Date(now - ((index * 7919) % 90) * DAY_MS - index * 1000);
        return {
          name: p.name,
          description: p.description,
          price: p.price,
          stock: p.stock,
          category_id: idByName.get(p.category),
          image_url: `https://picsum.photos/seed/${p.image}/600/600`,
          created_at: createdAt,
          updated_at: createdAt,
        };
      });
      await queryInterface.bulkInsert('products', seeded, { transaction });
    });
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.bulkDelete('products', { name: products.map((p) => p.name) }, { transaction });
      await queryInterface.bulkDelete('categories', { name: categories.map((c) => c.name) }, { transaction });
    });
  },
};
