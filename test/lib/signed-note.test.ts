import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointText, openCheckpoint, parseCheckpointText, signCheckpoint } from '../../src/lib/checkpoint-note.js';
import { EMPTY_ROOT } from '../../src/lib/merkle-tree.js';
import { NoteError, ed25519NoteSigner, noteVerifierOf, openNote, parseVerifierKey, privateKeyOfSeed, signNote, verifierKeyString } from '../../src/lib/signed-note.js';

// The reference example of golang.org/x/mod/sumdb/note (its documentation and note_test.go).
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY_SEED = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // PRIVATE+KEY+PeterNeumann+c74f20a3+…
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const peter = () => ed25519NoteSigner('PeterNeumann', privateKeyOfSeed(Buffer.from(SKEY_SEED, 'base64').subarray(1)));

describe('signed notes', () => {
  it('signs the reference note byte for byte and derives the reference verifier key', () => {
    const s = peter();
    expect(s.keyHash.toString(16)).toBe('c74f20a3');
    expect(verifierKeyString(noteVerifierOf(s))).toBe(VKEY);
    expect(signNote(TEXT, [s])).toBe(SIGNED);
  });

  it('opens the reference note with the parsed verifier key', () => {
    const r = openNote(SIGNED, [parseVerifierKey(VKEY)]);
    expect(r.text).toBe(TEXT);
    expect(r.signatures).toEqual([{ name: 'PeterNeumann', keyHash: 0xc74f20a3, verified: true }]);
  });

  it('refuses altered text, an altered signature, an unknown key and malformed keys', () => {
    const v = parseVerifierKey(VKEY);
    expect(() => openNote(SIGNED.replace('answer', 'answers'), [v])).toThrow(NoteError);
    expect(() => openNote(SIGNED.replace('x08go', 'x08gO'), [v])).toThrow(NoteError);
    const other = ed25519NoteSigner('PeterNeumann', generateKeyPairSync('ed25519').privateKey);
    expect(() => openNote(SIGNED, [noteVerifierOf(other)])).toThrow(/not signed by a known key/);
    expect(() => parseVerifierKey(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(NoteError);
    expect(() => parseVerifierKey(VKEY.slice(0, -2))).toThrow(NoteError);
    expect(() => signNote('no newline', [peter()])).toThrow(NoteError);
    expect(() => signNote('tab\there\n', [peter()])).toThrow(NoteError);
  });

  it('accepts a note cosigned by an unknown witness alongside the known key', () => {
    const w = ed25519NoteSigner('witness.example', generateKeyPairSync('ed25519').privateKey);
    const both = signNote(TEXT, [peter(), w]);
    expect(openNote(both, [parseVerifierKey(VKEY)]).signatures.map((s) => s.verified)).toEqual([true, false]);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = ed25519NoteSigner('airlock.test/log', privateKey);

  it('writes origin, size and base64 root on their own lines and round-trips through a signed note', () => {
    expect(checkpointText({ origin: 'airlock.test/log', size: 0, root: EMPTY_ROOT })).toBe('airlock.test/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    const root = Buffer.alloc(32, 7);
    const note = signCheckpoint({ origin: 'airlock.test/log', size: 42, root }, signer);
    expect(note.split('\n').slice(0, 4)).toEqual(['airlock.test/log', '42', root.toString('base64'), '']);
    expect(note).toMatch(/\n— airlock\.test\/log [A-Za-z0-9+/]+=*\n$/);
    const c = openCheckpoint(note, noteVerifierOf(signer));
    expect(c.size).toBe(42);
    expect(c.root.equals(root)).toBe(true);
  });

  it('refuses a checkpoint whose size or root was changed, or of another origin', () => {
    const note = signCheckpoint({ origin: 'airlock.test/log', size: 42, root: Buffer.alloc(32, 7) }, signer);
    expect(() => openCheckpoint(note.replace('\n42\n', '\n41\n'), noteVerifierOf(signer))).toThrow(NoteError);
    expect(() => openCheckpoint(note, noteVerifierOf(signer), 'other.test/log')).toThrow(/not "other/);
    expect(() => parseCheckpointText('o\n01\nAAAA\n')).toThrow(NoteError);
    expect(() => parseCheckpointText('o\n1\n')).toThrow(NoteError);
  });
});
