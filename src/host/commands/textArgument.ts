import vscode = require('vscode');

/**
 * The command's string argument (a script or keybinding gave it), else what the user types into an input box
 * (undefined when they press Escape or leave it empty). Either way trimmed.
 */
export async function textArgumentOrAsk(arg: unknown, options: vscode.InputBoxOptions): Promise<string | undefined> {
  const given = typeof arg === 'string' ? arg.trim() : '';
  if (given !== '') return given;
  const typed = (await vscode.window.showInputBox({ ignoreFocusOut: true, ...options }))?.trim();
  return typed === '' ? undefined : typed;
}
