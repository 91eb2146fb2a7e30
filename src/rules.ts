/**
 * The shop's field rules, each written once with the words a person is
 * shown when a value breaks it. The models' validators, the services, the
 * staff panel and the API's 422 answers all take their checks and messages
 * from here.
 *
 * tsoa reads its schema annotations (`@pattern`, `@minimum`, `@maxLength`
 * and their messages) as literals from the JSDoc in src/schemas/, so those
 * repeat the values below; test/rules.test.ts fails when the served spec,
 * the generated validators, the migrations' CHECK constraints and column
 * types, and these definitions disagree.
 */
import * as sequelizeExports from 'sequelize';
import type { Validator } from 'sequelize';

/** validator.js as Sequelize ships it (the models' own checks): a value at runtime, though typed as a type only. */
const validator = (sequelizeExports as unknown as { Validator: Validator }).Validator;

/** A rule on one field: what it accepts, and what to say when a value is refused. */
export interface FieldRule {
  /** The refusal, a sentence naming the field ("Stock must be a whole number, 0 or more"). */
  readonly message: string;
  /** True when `value` keeps the rule. */
  accepts(value: unknown): boolean;
}

/** Integer bounds of PostgreSQL's INTEGER. */
export const MAX_INTEGER = 2_147_483_647;

/** A whole number (a JS number, or a string of digits as forms post it) within [min, max]. */
const wholeNumberWithin = (min: number, max: number) => (value: unknown) => {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d{1,10}$/.test(text)) return false;
  const number = Number(text);
  return number >= min && number <= max;
};

/** `pattern` compiled once per rule (the checks run on every cart line and form field). */
const compiled = new Map<string, RegExp>();
const matches = (pattern: string, text: string): boolean => {
  let regex = compiled.get(pattern);
  if (!regex) compiled.set(pattern, (regex = new RegExp(pattern)));
  return regex.test(text);
};

/** Length in code points, as PostgreSQL's varchar counts. */
const characters = (value: string): number => [...value].length;

/**
 * Money: NUMERIC(12,2), written as a decimal string with at most ten digits
 * before the point and two after it ("19.99").
 */
export const MONEY = {
  /** The pattern of an amount, as the API schema's `Money` declares it. */
  pattern: '^\\d{1,10}(\\.\\d{1,2})?$',
  /** NUMERIC(precision, scale) of every money column. */
  precision: 12,
  scale: 2,
  message: 'Amounts must have at most ten digits before the point and two after it, e.g. 19.99',
  accepts(value: unknown): boolean {
    return (typeof value === 'string' || typeof value === 'number') && matches(MONEY.pattern, String(value));
  },
} as const satisfies FieldRule & Record<string, unknown>;

/** A product's price: a money amount above zero (CHECK price > 0). */
export const PRICE = {
  message: 'Price must be a positive amount with at most two decimals, e.g. 19.99',
  accepts: (value: unknown): boolean => MONEY.accepts(value) && Number(value) > 0,
} as const satisfies FieldRule;

/** A rule for a whole number within [min, max]. */
const wholeNumberRule = (min: number, max: number, message: string) =>
  ({ min, max, message, accepts: wholeNumberWithin(min, max) }) as const satisfies FieldRule & Record<string, unknown>;

/** Units in stock: a whole number, 0 or more (CHECK stock >= 0, INTEGER). */
export const STOCK = wholeNumberRule(0, MAX_INTEGER, 'Stock must be a whole number, 0 or more');

/** A cart or order line's quantity (CHECK quantity > 0; at most 999 a line). */
export const QUANTITY = wholeNumberRule(1, 999, 'Quantity must be a whole number from 1 to 999');

/** A review's rating (CHECK rating BETWEEN 1 AND 5). */
export const RATING = wholeNumberRule(1, 5, 'Rating must be a whole number from 1 to 5');

/**
 * A username, as stored: NFKC-normalised (CHECK username IS NFKC NORMALIZED),
 * then 3 to 50 ASCII letters, digits, dots, dashes or underscores. The API
 * schema cannot normalise, so it declares only what every such name's
 * unnormalised spelling has (`inputPattern`, `maxLength`: NFKC never makes a
 * name shorter); the services apply the rule itself, after normalising.
 */
export const USERNAME = {
  pattern: '^[A-Za-z0-9_.-]{3,50}$',
  inputPattern: '^\\S+$',
  maxLength: 50,
  message: 'Username must be 3 to 50 letters, digits, dots, dashes or underscores',
  accepts: (value: unknown): boolean => typeof value === 'string' && matches(USERNAME.pattern, value.normalize('NFKC')),
} as const satisfies FieldRule & Record<string, unknown>;

/**
 * An e-mail address, NFKC-normalised before it is checked and stored: then
 * an address as validator.js's isEmail takes it, at most 255 characters.
 * The API schema's `inputPattern` is the shape of one before normalising
 * (fullwidth `＠` and `．` normalise to `@` and `.`).
 */
export const EMAIL = {
  inputPattern:
    '^[^\\s@\\uFE6B\\uFF20]+[@\\uFE6B\\uFF20][^\\s@\\uFE6B\\uFF20]+[.\\u2024\\uFE52\\uFF0E][^\\s@\\uFE6B\\uFF20]+$',
  maxLength: 255,
  message: 'E-mail must be an address such as name@example.com, at most 255 characters',
  accepts: (value: unknown): boolean => {
    if (typeof value !== 'string') return false;
    const address = value.normalize('NFKC');
    return characters(address) <= EMAIL.maxLength && validator.isEmail(address);
  },
} as const satisfies FieldRule & Record<string, unknown>;

/** A phone number: 5 to 32 digits, spaces, parentheses and dashes, with an optional leading +. */
export const PHONE = {
  pattern: '^\\+?[0-9\\x20()-]+$',
  minLength: 5,
  maxLength: 32,
  message: 'Phone must be 5 to 32 digits, spaces, parentheses or dashes, with an optional leading +',
  accepts: (value: unknown): boolean =>
    typeof value === 'string' &&
    value.length >= PHONE.minLength &&
    value.length <= PHONE.maxLength &&
    matches(PHONE.pattern, value),
} as const satisfies FieldRule & Record<string, unknown>;

/**
 * A password: at least 8 characters and at most 72 bytes in UTF-8 (bcrypt
 * ignores anything beyond 72 bytes, so a longer one is refused rather than
 * silently cut). `maxLength` is what the schema can say in characters.
 */
export const PASSWORD = {
  minLength: 8,
  maxLength: 72,
  maxBytes: 72,
  message: 'Password must be at least 8 characters and at most 72 bytes',
  accepts: (value: unknown): boolean =>
    typeof value === 'string' &&
    characters(value) >= PASSWORD.minLength &&
    Buffer.byteLength(value, 'utf8') <= PASSWORD.maxBytes,
} as const satisfies FieldRule & Record<string, unknown>;

/** Where an order is in its life: pending → paid → shipped → completed, or cancelled. */
export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'completed' | 'cancelled';

/** Every order status, in lifecycle order (CHECK orders_status_check). */
export const ORDER_STATUSES = [
  'pending',
  'paid',
  'shipped',
  'completed',
  'cancelled',
] as const satisfies readonly OrderStatus[];

/** An order's status name. */
export const ORDER_STATUS = {
  values: ORDER_STATUSES,
  message: `Status must be one of ${ORDER_STATUSES.join(', ')}`,
  accepts: (value: unknown): boolean => (ORDER_STATUSES as readonly unknown[]).includes(value),
} as const satisfies FieldRule & Record<string, unknown>;

/** Who a user is to the shop: "customer" for shoppers, "admin" for staff (with access to the admin panel). */
export type UserRole = 'customer' | 'admin';

/** Every role (CHECK users_role_check). */
export const USER_ROLES = ['customer', 'admin'] as const satisfies readonly UserRole[];

/** An account's role name. */
export const ROLE = {
  values: USER_ROLES,
  message: `Role must be ${USER_ROLES.join(' or ')}`,
  accepts: (value: unknown): boolean => (USER_ROLES as readonly unknown[]).includes(value),
} as const satisfies FieldRule & Record<string, unknown>;

/** Every rule's message, to recognise one inside a longer text. */
const RULE_MESSAGES = [MONEY, PRICE, STOCK, QUANTITY, RATING, USERNAME, EMAIL, PHONE, PASSWORD, ORDER_STATUS, ROLE].map(
  (rule) => rule.message,
);

/**
 * The rule message quoted inside `text`, if any: tsoa words a refused
 * nullable field ("Could not match the union ... Issues: [...]") around the
 * message of the rule its non-null branch broke.
 */
export const ruleMessageIn = (text: string): string | undefined =>
  RULE_MESSAGES.find((message) => text.includes(message));

/**
 * A Sequelize custom validator for `rule`: an empty value is left to
 * `allowNull`, anything else must keep the rule or fails with its message.
 */
export const validatorFor =
  (rule: FieldRule) =>
  (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (!rule.accepts(value)) throw new Error(rule.message);
  };
