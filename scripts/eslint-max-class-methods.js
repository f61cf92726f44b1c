// An ESLint rule: a class holds at most `max` methods (getters and setters included, a get/set pair counted once,
// the constructor not counted). ESLint's own size rules bound files and functions; a class can stay under both and
// still gather too many jobs, so the engine's rooms are also bounded by what a reader holds of one class.

/** @type {import('eslint').Rule.RuleModule} */
export const maxClassMethods = {
  meta: {
    type: 'suggestion',
    docs: { description: 'limit the methods of a class' },
    schema: [
      { type: 'object', properties: { max: { type: 'integer', minimum: 0 } }, additionalProperties: false },
    ],
    messages: { tooMany: "Class '{{name}}' has {{count}} methods. Maximum allowed is {{max}}." },
  },
  create(context) {
    const max = context.options[0]?.max ?? 30;
    const source = context.sourceCode;
    const check = (node) => {
      const names = new Set();
      for (const member of node.body.body) {
        if (member.type !== 'MethodDefinition' || member.kind === 'constructor') continue;
        const key = source.getText(member.key);
        names.add(member.computed ? `[${key}]` : key);
      }
      if (names.size <= max) return;
      const name = node.id?.name ?? '(anonymous)';
      context.report({ node: node.id ?? node, messageId: 'tooMany', data: { name, count: names.size, max } });
    };
    return { ClassDeclaration: check, ClassExpression: check };
  },
};

export default { rules: { 'max-class-methods': maxClassMethods } };
