/** Types for seek-bzip 2.0.0 (pure-JavaScript bzip2 decoder; ships no declarations). */
declare module 'seek-bzip' {
  /** Where decoded bytes go: seek-bzip calls `writeByte` once per byte. */
  interface BzipOutputStream {
    writeByte(byte: number): void;
  }
  interface Bunzip {
    /** Decodes `input`, writing to `output`; `multistream` reads concatenated streams. */
    decode(input: Uint8Array, output: BzipOutputStream, multistream?: boolean): void;
  }
  const bunzip: Bunzip;
  export default bunzip;
}
