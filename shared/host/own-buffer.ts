// Every port hands on bytes as a buffer of their own (a transport may transfer it, a store keeps it), while the engine
// gives views: this is the one conversion, without a copy when the view already covers its buffer.

/** The bytes of `view` as a buffer of their own: the view's buffer when the view covers all of it, else a copy. */
export function ownBuffer(view: Uint8Array): ArrayBuffer {
  const { buffer } = view;
  if (buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength)
    return buffer;
  return view.slice().buffer;
}
