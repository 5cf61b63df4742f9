import type {
  DefinitionNode,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLInputType,
  GraphQLObjectType,
  OperationDefinitionNode,
} from "graphql";
import type { Diagnostics } from "../../diagnostics.js";
import type { SchemaNode, SourceRef } from "../../ir/types.js";
import { graphqlJs } from "../../load/graphql.js";
import type { GraphqlSourceModel, RootField, RootKind } from "./model.js";
import { printSelection, type SelItem } from "./selection.js";
import { cleanShape, ShapeBuilder } from "./shape.js";
import { jsonValue, withMeta } from "./types.js";

/** At most this many validation errors are reported per document (the first ones are the useful ones). */
const MAX_REPORTED = 5;

export interface VariableInfo {
  name: string;
  required: boolean;
  schema: SchemaNode;
}

export interface AnalyzedOperation {
  operationType: RootKind;
  operationName: string;
  /** The operation and the fragments it uses, printed: exactly what is sent. */
  document: string;
  variables: VariableInfo[];
  /** Shape of `data`. */
  data: SchemaNode;
  /**
   * Every root field the operation may select, by field name (aliases, fragments, inline fragments and
   * conditional selections included), with its description: what a call can do, for classifying it.
   */
  rootFields: Array<{ name: string; description?: string }>;
  /** The one root field the operation selects (unconditionally), when it selects exactly one. */
  root?: { key: string; name: string; schema: SchemaNode; description?: string; deprecated: boolean };
}

export interface AnalyzeOptions {
  /** Which operation of a document holding several. */
  operationName?: string;
  /** Name given to an anonymous operation (the upstream sees it as `operationName`). */
  fallbackName: string;
  /** Where an error in the text is, for diagnostics. */
  locate: (error: GraphQLError) => SourceRef;
  /** Where the document as a whole is referenced (for problems that have no position). */
  at: SourceRef;
  /**
   * The generator derived the document itself (`rootFieldDocument` of a `SelectionDeriver` selection): it is
   * checked by the rules a derivation can break (`DERIVED_RULES`), not by those its construction rules out.
   */
  derived?: boolean;
}

/**
 * The validation rules a derived document is checked by: what the deriver decides and could get wrong (which
 * fields a type has and which take a selection, fragments on possible types, required and known arguments, the
 * nested page size's literal, fields that fragments merge). What its construction rules out is not checked again
 * (one operation, named; no named fragments, directives, literal input objects or type names but the schema's; each
 * root argument one variable of the argument's own type, or its nullable form where the argument has a default,
 * defined once and used once, nowhere else): with every rule, graphql-js's validation was a fifth of GitHub's
 * generate (KnownTypeNamesRule lists the schema's 1,900 type names per document; VariablesInAllowedPositionRule
 * walks the whole document again for the variables' uses). The corpus tests validate every derived document with
 * every rule, independently.
 */
export function derivedRules(): readonly import("graphql").ValidationRule[] {
  const g = graphqlJs();
  derivedRuleList ??= [
    g.FieldsOnCorrectTypeRule,
    g.ScalarLeafsRule,
    g.PossibleFragmentSpreadsRule,
    g.KnownArgumentNamesRule,
    g.ProvidedRequiredArgumentsRule,
    g.ValuesOfCorrectTypeRule,
    g.OverlappingFieldsCanBeMergedRule,
  ];
  return derivedRuleList;
}
let derivedRuleList: readonly import("graphql").ValidationRule[] | undefined;

/** The document of a root-field tool: every argument a variable, the selection derived or given. */
export function rootFieldDocument(
  rf: RootField,
  operationName: string,
  selection: SelItem[] | string | undefined,
) {
  const args = rf.field.args;
  const varType = (t: GraphQLInputType, defaulted: boolean) =>
    // A nullable variable may feed a non-null argument that has a default (omitting it uses the default).
    defaulted && graphqlJs().isNonNullType(t) ? String(t.ofType) : String(t);
  const vars = args.map((a) => `$${a.name}: ${varType(a.type, a.defaultValue !== undefined)}`);
  const call = args.length > 0 ? `(${args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  const sel =
    selection === undefined
      ? ""
      : typeof selection === "string"
        ? ` ${selection.trim().startsWith("{") ? selection.trim() : `{ ${selection.trim()} }`}`
        : ` ${printSelection(selection, "  ")}`;
  return `${rf.operationType} ${operationName}${vars.length > 0 ? `(${vars.join(", ")})` : ""} {\n  ${rf.name}${call}${sel}\n}\n`;
}

function usedFragments(
  op: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Set<string>();
  const queue: DefinitionNode[] = [op];
  while (queue.length > 0) {
    graphqlJs().visit(queue.pop() as DefinitionNode, {
      FragmentSpread(node) {
        const name = node.name.value;
        const def = fragments.get(name);
        if (def && !used.has(name)) {
          used.add(name);
          queue.push(def);
        }
      },
    });
  }
  return [...fragments.values()].filter((f) => used.has(f.name.value));
}

/**
 * Parses, picks and validates one operation of a document against the source schema, then computes what the
 * tool publishes: its variables as arguments and the shape of its data. Problems are TW151 diagnostics located in
 * the text they come from (the manifest or a `.graphql` file).
 */
export function analyzeOperation(
  model: GraphqlSourceModel,
  text: string,
  opts: AnalyzeOptions,
  diags: Diagnostics,
): AnalyzedOperation | undefined {
  const doc = parseOperationText(text, opts, diags);
  if (!doc) return undefined;
  const operation = pickOperation(doc, opts, diags);
  if (!operation || !validOperation(model, doc, operation, opts, diags)) return undefined;
  const named: OperationDefinitionNode = operation.name
    ? operation
    : { ...operation, name: { kind: graphqlJs().Kind.NAME, value: opts.fallbackName } };
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === graphqlJs().Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const sent: DocumentNode = {
    kind: graphqlJs().Kind.DOCUMENT,
    definitions: [named, ...usedFragments(named, fragments)],
  };
  const rootType = model.schema.getRootType(operation.operation) as GraphQLObjectType;
  const shapes = new ShapeBuilder(model.schema, model.types, fragments);
  const data = cleanShape(shapes.selection(rootType, [operation.selectionSet]));
  const root = soleRootField(shapes, rootType, operation, data);
  const rootFields = new Map<string, { name: string; description?: string }>();
  for (const entry of shapes.collect(rootType, [operation.selectionSet]).values())
    for (const node of entry.nodes as Array<{ name: { value: string } }>) {
      const name = node.name.value;
      const description = rootType.getFields()[name]?.description?.trim();
      if (!rootFields.has(name)) rootFields.set(name, { name, ...(description ? { description } : {}) });
    }
  return {
    rootFields: [...rootFields.values()],
    operationType: operation.operation,
    operationName: named.name?.value as string,
    document: sent.definitions.map((d) => graphqlJs().print(d)).join("\n\n"),
    variables: variablesOf(model, named, opts.derived === true),
    data,
    ...(root ? { root } : {}),
  };
}

function parseOperationText(
  text: string,
  opts: AnalyzeOptions,
  diags: Diagnostics,
): DocumentNode | undefined {
  try {
    return graphqlJs().parse(text);
  } catch (e) {
    diags.error(
      "TW151",
      `GraphQL syntax error: ${(e as GraphQLError).message}`,
      opts.locate(e as GraphQLError),
    );
    return undefined;
  }
}

/** The operation the tool runs: the one named by operation_name, or the document's only one. */
function pickOperation(
  doc: DocumentNode,
  opts: AnalyzeOptions,
  diags: Diagnostics,
): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === graphqlJs().Kind.OPERATION_DEFINITION,
  );
  if (opts.operationName !== undefined) {
    const op = ops.find((o) => o.name?.value === opts.operationName);
    if (!op) {
      const names = ops.map((o) => o.name?.value ?? "(anonymous)").join(", ");
      diags.error(
        "TW151",
        `the document has no operation "${opts.operationName}" (it has: ${names})`,
        opts.at,
      );
    }
    return op;
  }
  if (ops.length === 1) return ops[0];
  diags.error(
    "TW151",
    `the document has ${ops.length} operations; say which one with operation_name`,
    opts.at,
  );
  return undefined;
}

/** The document validates against the schema (the first few errors reported) and is no subscription. */
function validOperation(
  model: GraphqlSourceModel,
  doc: DocumentNode,
  operation: OperationDefinitionNode,
  opts: AnalyzeOptions,
  diags: Diagnostics,
): boolean {
  const problems = graphqlJs().validate(model.schema, doc, opts.derived ? derivedRules() : undefined);
  if (problems.length > 0) {
    for (const p of problems.slice(0, MAX_REPORTED)) diags.error("TW151", p.message, opts.locate(p));
    if (problems.length > MAX_REPORTED)
      diags.error("TW151", `${problems.length - MAX_REPORTED} more validation errors`, opts.at);
    return false;
  }
  if (operation.operation === "subscription") {
    diags.error(
      "TW151",
      "subscriptions cannot be tools (a tool call is one request and one answer)",
      opts.locate({ locations: operation.loc ? [operation.loc.startToken] : undefined } as GraphQLError),
    );
    return false;
  }
  return true;
}

/** The root field an operation selects, when it selects exactly one, unconditionally, into object data. */
function soleRootField(
  shapes: ShapeBuilder,
  rootType: GraphQLObjectType,
  operation: OperationDefinitionNode,
  data: SchemaNode,
): AnalyzedOperation["root"] {
  const collected = [...shapes.collect(rootType, [operation.selectionSet])];
  const only = collected.length === 1 ? collected[0] : undefined;
  if (!only || only[1].conditional || data.kind !== "object") return undefined;
  const name = (only[1].nodes[0] as { name: { value: string } }).name.value;
  const def = rootType.getFields()[name];
  if (!def) return undefined;
  return {
    key: only[0],
    name,
    schema: data.properties[0]?.schema as SchemaNode,
    ...(def.description?.trim() ? { description: def.description.trim() } : {}),
    deprecated: Boolean(def.deprecationReason),
  };
}

interface Usage {
  description?: string;
  defaultValue?: unknown;
  nonNull: boolean;
  deprecated: boolean;
}

/**
 * Arguments of the tool: the operation's variables, described by the arguments they feed. A derived document uses
 * its variables in its root field's arguments only (`rootFieldDocument`), so its selections are not walked.
 */
function variablesOf(
  model: GraphqlSourceModel,
  op: OperationDefinitionNode,
  derived: boolean,
): VariableInfo[] {
  const usages = new Map<string, Usage[]>();
  const info = new (graphqlJs().TypeInfo)(model.schema);
  graphqlJs().visit(
    op,
    graphqlJs().visitWithTypeInfo(info, {
      VariableDefinition: () => false,
      SelectionSet: (node) => (derived && node !== op.selectionSet ? false : undefined),
      Variable(node) {
        const arg = info.getArgument();
        const type = info.getInputType();
        const list = usages.get(node.name.value) ?? [];
        list.push({
          ...(arg?.description?.trim() ? { description: arg.description.trim() } : {}),
          defaultValue: info.getDefaultValue(),
          nonNull: type !== null && type !== undefined && graphqlJs().isNonNullType(type),
          deprecated: Boolean(arg?.deprecationReason),
        });
        usages.set(node.name.value, list);
      },
    }),
  );
  return (op.variableDefinitions ?? []).map((def) => {
    const name = def.variable.name.value;
    const type = graphqlJs().typeFromAST(model.schema, def.type as never) as GraphQLInputType;
    const uses = usages.get(name) ?? [];
    const own = def.defaultValue ? jsonValue(graphqlJs().valueFromAST(def.defaultValue, type)) : undefined;
    // Omitting a variable leaves the argument unset, so the argument's own default applies.
    const inherited = uses.length === 1 && own === undefined ? jsonValue(uses[0]?.defaultValue) : undefined;
    // A nullable variable used only where null is refused (a defaulted non-null argument) takes no null.
    const refusesNull = !graphqlJs().isNonNullType(type) && uses.length > 0 && uses.every((u) => u.nonNull);
    const base = refusesNull
      ? model.types.input(new (graphqlJs().GraphQLNonNull)(type))
      : model.types.input(type);
    return {
      name,
      required: graphqlJs().isNonNullType(type) && def.defaultValue === undefined,
      schema: withMeta(base, {
        description: uses.find((u) => u.description)?.description,
        default: own ?? inherited,
        deprecated: uses.length > 0 && uses.every((u) => u.deprecated) ? true : undefined,
      }),
    };
  });
}
