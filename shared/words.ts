// Process: shared (pure; used by the window and the command line alike).
// How a count is said: "1 secret", "2 secrets", "0 secrets". One helper so no screen says
// "1 secrets"; the irregular plurals a screen needs are passed in, not guessed.

/** `n` and the noun in the number it takes. `many` defaults to `one` + "s". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
