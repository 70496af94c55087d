// Compile-time checks between types: a schema's inferred type against the plain type the code that reads
// validated data is written for, so the two cannot drift apart while neither module imports the other's side.

/** true when A and B are the same type, as far as assignability tells (each assignable to the other). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only when T is true: `type _Check = Assert<Same<z.infer<typeof Schema>, Plain>>;`. */
export type Assert<T extends true> = T;
