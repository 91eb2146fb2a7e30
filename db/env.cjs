'use strict';
/**
 * Environment-file loading shared by the app (src/config.ts) and the
 * sequelize-cli side (db/config.cjs, seeders), so both see the same values.
 *
 * Order of precedence: real environment variables, then `.env`, then, outside
 * production only, the documented development defaults in `.env.example`.
 * `process.loadEnvFile` never overrides a variable that is already set.
 */
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const root = path.resolve(__dirname, '..');
let loaded = false;

/** Loads `.env` and (outside production) `.env.example` into process.env once. */
function loadEnvFiles() {
  if (loaded) return;
  loaded = true;
  const dotenv = path.join(root, '.env');
  if (fs.existsSync(dotenv)) process.loadEnvFile(dotenv);
  if ((process.env.NODE_ENV || 'development') !== 'production') {
    const example = path.join(root, '.env.example');
    if (fs.existsSync(example)) process.loadEnvFile(example);
  }
}

/** The development defaults from `.env.example` ({} when the file is absent). */
function developmentDefaults() {
  const example = path.join(root, '.env.example');
  if (!fs.existsSync(example)) return {};
  return util.parseEnv(fs.readFileSync(example, 'utf8'));
}

module.exports = { loadEnvFiles, developmentDefaults };
