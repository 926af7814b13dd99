/**
 * Typed references: `wf.input.city` or `step.output.body.temp` are `Ref<T>` values that stand
 * for data only Conductor knows at run time. At build time they are proxies that record the path
 * they were reached by; the compiler turns them into `${...}` expressions.
 */
import { type PathSegment, type RefTarget, type RefValue, type Value, refValue } from '../ir/value.js';

/** The brand every reference carries; a registered symbol so two copies of baton agree. */
export const REF: unique symbol = Symbol.for('baton.ref') as never;

declare const refType: unique symbol;

/** What every reference has: its recorded value, and (for the type checker only) its type. */
export interface RefBase<T> {
  readonly [REF]: Value;
  /**
   * Phantom field: never present at run time; it makes Ref<string> and Ref<number> distinct. A
   * function type keeps it covariant without the optional property's implicit `undefined`
   * leaking in (so a Ref<string | undefined> is not accepted where a string is required).
   */
  readonly [refType]?: () => T;
}

type IsAny<T> = 0 extends 1 & T ? true : false;
type Nullish<T> = Extract<T, null | undefined>;
type Scalar = string | number | boolean | bigint | symbol;

/** The fields reachable from a reference: object keys, array indexes; nothing on scalars. */
type FieldsOf<O, N> = [O] extends [never]
  ? unknown
  : [O] extends [readonly (infer E)[]]
    ? { readonly [index: number]: Ref<E | N> }
    : [O] extends [Scalar]
      ? unknown
      : [O] extends [object]
        ? { readonly [K in keyof O]-?: Ref<O[K] | N> }
        : unknown;

/**
 * The fields of a reference to `any` (an untyped output): every name leads to another such
 * reference, at any depth. Interfaces, because a recursive type alias stops after one level.
 */
export interface AnyRefFields {
  readonly [key: string]: AnyRef;
}
export interface AnyRef extends RefBase<any>, AnyRefFields {}

export type RefFields<T> = IsAny<T> extends true ? AnyRefFields : FieldsOf<NonNullable<T>, Nullish<T>>;

/**
 * A value of type T that Conductor resolves at run time. Reading a field gives a reference to
 * that field; passing a Ref<string> where a number is expected is a type error.
 */
export type Ref<T> = RefBase<T> & RefFields<T>;

/** The run-time type a reference stands for. */
export type RefType<R> = R extends RefBase<infer T> ? T : never;

/** True for anything carrying the reference brand (a proxy or a template string). */
export function isRef(value: unknown): value is RefBase<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as Record<symbol, unknown>)[REF] !== undefined
  );
}

export function refNode(value: RefBase<unknown>): Value {
  return value[REF];
}

const INDEX = /^(?:0|[1-9]\d*)$/;

function misuse(what: string): never {
  throw new TypeError(
    `A baton reference was used as a ${what}. References stand for run-time values: pass them ` +
      'to step inputs as they are, and build strings with the str`...` tagged template.',
  );
}

/**
 * What a reference proxy stands on: its target and path, its value node (made on first use) and
 * the children read from it so far. Hidden from every reader by the handler's traps, and held
 * one level down so that it stays writable should someone freeze the reference.
 */
interface RefState {
  readonly target: RefTarget;
  readonly path: readonly PathSegment[];
  node?: RefValue;
  children?: Map<string, unknown>;
}

interface RefHolder {
  readonly state: RefState;
}

const asJson = () => misuse('JSON value');
const asPrimitive = () => misuse('string or number');
const assigned = () => misuse('assignment target');

/**
 * One handler for every reference: a build makes a few references per step, most of which
 * (a step's status, its task id) are never read, so each costs only its state and its proxy.
 */
const REF_HANDLER: ProxyHandler<RefHolder> = {
  get({ state }, prop) {
    if (prop === REF) return (state.node ??= refValue(state.target, state.path));
    // Symbols (inspection, iteration) and `then` (await, Promise.resolve) must see nothing,
    // or the proxy would pretend to be a promise or an iterable.
    if (typeof prop === 'symbol' || prop === 'then') return undefined;
    if (prop === 'toJSON') return asJson;
    if (prop === 'toString' || prop === 'valueOf') return asPrimitive;
    let child = state.children?.get(prop);
    if (child === undefined) {
      const segment: PathSegment = INDEX.test(prop) ? Number(prop) : prop;
      child = makeRef(state.target, [...state.path, segment]);
      (state.children ??= new Map()).set(prop, child);
    }
    return child;
  },
  has: (_state, prop) => prop === REF,
  ownKeys: () => [],
  getOwnPropertyDescriptor: () => undefined,
  getPrototypeOf: () => null,
  set: assigned,
  defineProperty: assigned,
  deleteProperty: assigned,
};

/**
 * Makes the proxy for a target and path. Child proxies are cached so reading the same field
 * twice costs nothing and yields the same object.
 */
export function makeRef<T>(target: RefTarget, path: readonly PathSegment[] = []): Ref<T> {
  const holder: RefHolder = { state: { target, path } };
  return new Proxy(holder, REF_HANDLER) as unknown as Ref<T>;
}

/** A reference whose value is fixed at build time, e.g. a template string. */
export function constantRef<T>(value: Value): Ref<T> {
  return Object.freeze({ [REF]: value }) as unknown as Ref<T>;
}

/**
 * Tells the type checker what an untyped reference holds (an `unknown` output, a field of an
 * external HTTP response). Checked by nothing at build time: use it where you know better.
 */
export function cast<T>(ref: RefBase<unknown>): Ref<T> {
  return ref as Ref<T>;
}
