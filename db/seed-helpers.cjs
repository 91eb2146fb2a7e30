'use strict';
/**
 * Helpers shared by the seeders: env access (through the same loader as the
 * app) and password hashing. It lives in db/ because sequelize-cli would try
 * to run any file in seeders/ as a seeder.
 */
const bcrypt = require('bcrypt');
const { loadEnvFiles, developmentDefaults } = require('./env.cjs');

loadEnvFiles();

const isProduction = () => process.env.NODE_ENV === 'production';

/** Reads a required variable or throws a message naming it. */
function required(name, expected) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: expected ${expected} (see .env.example)`);
  return value;
}

/** A password for a seeded account; in production it must be long and not the documented default. */
function seedPassword(name) {
  const value = required(name, 'a password of at least 12 characters in production');
  if (isProduction() && (value.length < 12 || value === developmentDefaults()[name])) {
    throw new Error(`${name}: production needs your own password of at least 12 characters, not the default`);
  }
  if (value.length < 8 || Buffer.byteLength(value) > 72) {
    throw new Error(`${name}: expected 8 to 72 bytes`);
  }
  return value;
}

/** bcrypt hash at BCRYPT_COST (12 unless set). */
function hash(password) {
  const cost = Number(process.env.BCRYPT_COST || 12);
  return bcrypt.hash(password, cost);
}

/** True unless SEED_DEMO_DATA is "false" (unset in production means false). */
function seedDemoData() {
  const value = process.env.SEED_DEMO_DATA;
  return value === undefined || value === '' ? !isProduction() : value === 'true';
}

module.exports = { required, seedPassword, hash, seedDemoData };
