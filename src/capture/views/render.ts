import Handlebars from 'handlebars';
import { displaySafe } from '../../text/safe-text.ts';

/** An isolated Handlebars environment: `{{x}}` escapes HTML; no helpers or partials leak in from elsewhere. */
const env = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Render a view template with `data`; values render as text (escaped) unless the template uses `{{{ }}}`. */
export function renderTemplate(template: string, data: unknown): string {
  let fn = compiled.get(template);
  if (!fn) {
    fn = env.compile(template, { strict: false, noEscape: false });
    compiled.set(template, fn);
  }
  // Values are AWS data: cut when huge, bidi and control characters shown, never acted on.
  return fn(displaySafe(data));
}
