/**
 * What a step accepts for an input of type T: the value itself, a reference to a value of that
 * type, or an object/array whose parts are either. `Resolved` goes the other way: the run-time
 * shape of such an input, used to type the `$` of inline functions.
 */
import type { RefBase } from './ref.js';

type IsAny<T> = 0 extends 1 & T ? true : false;

export type In<T> =
  IsAny<T> extends true
    ? any
    : RefBase<T> | (T extends readonly (infer E)[] ? readonly In<E>[] : T extends object ? { [K in keyof T]: In<T[K]> } : T);

/** The run-time value an input expression stands for. */
export type Resolved<X> =
  X extends RefBase<infer T>
    ? T
    : X extends readonly unknown[]
      ? { [K in keyof X]: Resolved<X[K]> }
      : X extends (...args: never[]) => unknown
        ? never
        : X extends object
          ? { -readonly [K in keyof X]: Resolved<X[K]> }
          : X;

/** Any input expression at all: the loosest form, for untyped places. */
export type AnyIn = unknown;
