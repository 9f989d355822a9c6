// Process: shared. The few host globals shared/ relies on. Node, browsers and workers all
// provide them; declaring them here keeps shared/ free of both the DOM and @types/node.
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
