/**
 * Messages in a language with a singular: the keys of the Chinese messages (which have one form for every
 * count), each of which may add `key_one`, the form i18next picks for a count of one.
 */
export type WithSingulars<T> = { [K in keyof T]: T[K] extends string ? string : WithSingulars<T[K]> } & { [key: `${string}_one`]: string };
