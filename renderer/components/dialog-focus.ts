// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// What a dialog needs to know about its fields: which one to put the cursor in, and whether
// the person has typed anything that closing would lose.

type TextField = HTMLInputElement | HTMLTextAreaElement;

const NOT_TEXT = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'hidden',
  'file',
  'range',
  'color',
]);

function isTextField(el: EventTarget | null): el is TextField {
  if (el instanceof HTMLTextAreaElement) return true;
  return el instanceof HTMLInputElement && !NOT_TEXT.has(el.type);
}

function fillable(el: TextField): boolean {
  return !el.disabled && !el.readOnly && el.getClientRects().length > 0;
}

/** The first empty text field that takes typing; else the first such field; else the first
 *  enabled select. Null leaves the browser's own choice (the first focusable element). */
export function firstFieldToFill(root: HTMLElement): HTMLElement | null {
  const texts = [...root.querySelectorAll('input, textarea')].filter(isTextField).filter(fillable);
  const select = [...root.querySelectorAll('select')].find((s) => !s.disabled);
  return texts.find((t) => t.value === '') ?? texts[0] ?? select ?? null;
}

/** Watches the text fields under `root` for what the person typed: a field counts once a real
 *  input event reached it and its value differs from what it held when it took focus, so a
 *  value loaded into the form, or typed and then erased, is not "typed input". */
export class TypedInput {
  private readonly before = new Map<TextField, string>();
  private readonly touched = new Set<TextField>();
  private readonly onFocus = (e: Event) => {
    if (isTextField(e.target) && !this.before.has(e.target)) this.before.set(e.target, e.target.value);
  };
  private readonly onInput = (e: Event) => {
    if (e.isTrusted && isTextField(e.target)) {
      if (!this.before.has(e.target)) this.before.set(e.target, '');
      this.touched.add(e.target);
    }
  };

  constructor(private readonly root: HTMLElement) {
    root.addEventListener('focusin', this.onFocus);
    root.addEventListener('input', this.onInput);
  }

  changed(): boolean {
    for (const el of this.touched) if (el.isConnected && el.value !== this.before.get(el)) return true;
    return false;
  }

  stop(): void {
    this.root.removeEventListener('focusin', this.onFocus);
    this.root.removeEventListener('input', this.onInput);
  }
}
