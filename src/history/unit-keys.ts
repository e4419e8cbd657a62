/** placeholder */
export interface UnitKeys {
  hmac: Buffer;
  aead: Buffer;
  sample: number;
}
