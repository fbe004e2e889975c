import { LitElement } from 'lit';

/** Light DOM everywhere: one stylesheet, and tests and assistive technology see plain HTML. */
export class LightElement extends LitElement {
  createRenderRoot() {
    return this;
  }

  /** Tells the shell to show a message (success, error) in its live region. */
  notify(kind, text, link = null) {
    this.dispatchEvent(new CustomEvent('notice', { detail: { kind, text, link }, bubbles: true, composed: true }));
  }
}
