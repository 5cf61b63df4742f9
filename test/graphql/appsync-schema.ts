/**
 * An AWS AppSync schema as developers write it for AppSync (the schema.graphql a CDK or Serverless project uploads,
 * AppSync's own tutorials): its scalars (AWSDateTime, AWSJSON, ...) and auth directives (@aws_iam, @aws_subscribe,
 * ...) used, never defined, because AppSync defines them itself.
 */
export const APPSYNC = `type Todo @aws_iam @aws_cognito_user_pools {
  id: ID!
  name: String!
  createdAt: AWSDateTime!
  meta: AWSJSON
  owner: AWSEmail
}

type TodoConnection @aws_iam @aws_cognito_user_pools {
  items: [Todo]
  nextToken: String
}

type Query {
  getTodo(id: ID!): Todo @aws_api_key @aws_iam
  listTodos(limit: Int, nextToken: String, since: AWSDateTime): TodoConnection
}

type Mutation {
  createTodo(name: String!, meta: AWSJSON, due: AWSDate): Todo
    @aws_cognito_user_pools(cognito_groups: ["Admin"])
  deleteTodo(id: ID!): Todo @aws_cognito_user_pools(cognito_groups: ["Admin"])
}

type Subscription {
  onCreateTodo: Todo @aws_subscribe(mutations: ["createTodo"])
}

schema {
  query: Query
  mutation: Mutation
  subscription: Subscription
}
`;
