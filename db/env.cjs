'use strict';
/**
 * Environment-file loading shared by the app (src/config.ts) and the
 * sequelize-cli side (db/config.cjs, seeders), so both see the same values.
 *
 * Order of precedence: real environment variables, then `.env` (not under
 * NODE_ENV=test: the suite's settings are its own), then, outside
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
  // The test suite's configuration is explicit (test/setup.ts, over the defaults): a developer's .env never
  // leaks into it (an AUTH_RATE_LIMIT=100000 there once turned one test into 100,000 requests).
  const dotenv = path.join(root, '.env');
  if (process.env.NODE_ENV !== 'test' && fs.existsSync(dotenv)) process.loadEnvFile(dotenv);
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
