// An ESLint rule: some state has one writer. A peer's parts (its wire, choke, download, pending and upload state) are
// written each from its own room, and the verified pieces only by the step that records a stored piece; the types
// make every field read-only from outside, and this rule keeps the writing methods where they belong. Each entry
// names a writer as `part.member` (a call `….part.member(…)`, or an assignment `….part.member = …` when the entry
// ends in ` =`) and lists the files, relative to the repo, that may use it.

/** The last name of a member chain or identifier: `wire` for `peer.wire`, `have` for `have`. */
function lastName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier')
    return node.property.name;
  if (node.type === 'ChainExpression') return lastName(node.expression);
  if (node.type === 'TSNonNullExpression') return lastName(node.expression);
  return undefined;
}

/** `part.member` for a member expression `….part.member`, or undefined. */
function writerOf(member) {
  if (member?.type !== 'MemberExpression' || member.computed || member.property.type !== 'Identifier')
    return undefined;
  const part = lastName(member.object);
  return part === undefined ? undefined : `${part}.${member.property.name}`;
}

/** The file's path from the repo's root, with forward slashes. */
function repoPath(context) {
  const file = context.filename.replaceAll('\\', '/');
  const root = context.cwd.replaceAll('\\', '/').replace(/\/$/, '');
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/** @type {import('eslint').Rule.RuleModule} */
export const partWriters = {
  meta: {
    type: 'problem',
    docs: { description: 'keep the writers of a part of the state in the files that own them' },
    schema: [
      {
        type: 'object',
        properties: {
          writers: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        additionalProperties: false,
      },
    ],
    messages: { elsewhere: "'{{writer}}' is written only from {{allowed}}." },
  },
  create(context) {
    const writers = context.options[0]?.writers ?? {};
    const path = repoPath(context);
    const check = (node, writer) => {
      const allowed = writer === undefined ? undefined : writers[writer];
      if (!allowed || allowed.includes(path)) return;
      context.report({ node, messageId: 'elsewhere', data: { writer, allowed: allowed.join(', ') } });
    };
    const assigned = (node, target) => {
      const writer = writerOf(target);
      check(node, writer === undefined ? undefined : `${writer} =`);
    };
    return {
      CallExpression: (node) => check(node, writerOf(node.callee)),
      AssignmentExpression: (node) => assigned(node, node.left),
      UpdateExpression: (node) => assigned(node, node.argument),
    };
  },
};

export default { rules: { 'part-writers': partWriters } };
