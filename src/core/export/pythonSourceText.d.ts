/** Python sources imported as text (`./pytorch/model.py?raw`), as cSourceText.d.ts declares the C ones. */
declare module '*.py?raw' {
  const text: string;
  export default text;
}
