import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { Db } from '../db/database';
import type { Clock } from '../lib/clock';
import { createSubject, deleteSubject, listSubjects, renameSubject } from '../subjects/subjects';

/** What resolvers see: the verified caller's organisation and the services' needs. */
export interface GatewayContext {
  db: Db;
  clock: Clock;
  orgId: string;
}

/** Each root field names the resource its scope is about (read:<resource> / write:<resource>). */
export const RESOURCE_EXTENSION = 'keymintResource';

const Subject = new GraphQLObjectType({
  name: 'Subject',
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, name: { type: new GraphQLNonNull(GraphQLString) } },
});

const subjectsResource = { [RESOURCE_EXTENSION]: 'subjects' };

/** The built-in schema: an organisation's subjects. */
export function createBuiltinSchema(): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType<unknown, GatewayContext>({
      name: 'Query',
      fields: {
        subjects: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Subject))),
          extensions: subjectsResource,
          resolve: (_root, _args, ctx) => listSubjects(ctx.db, ctx.orgId),
        },
      },
    }),
    mutation: new GraphQLObjectType<unknown, GatewayContext>({
      name: 'Mutation',
      fields: {
        createSubject: {
          type: new GraphQLNonNull(Subject),
          args: { name: { type: new GraphQLNonNull(GraphQLString) } },
          extensions: subjectsResource,
          resolve: (_root, args: { name: string }, ctx) =>
            createSubject(ctx.db, ctx.orgId, args.name, ctx.clock.now()),
        },
        renameSubject: {
          type: new GraphQLNonNull(Subject),
          args: {
            id: { type: new GraphQLNonNull(GraphQLID) },
            name: { type: new GraphQLNonNull(GraphQLString) },
          },
          extensions: subjectsResource,
          resolve: (_root, args: { id: string; name: string }, ctx) =>
            renameSubject(ctx.db, ctx.orgId, args.id, args.name),
        },
        deleteSubject: {
          type: new GraphQLNonNull(GraphQLBoolean),
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          extensions: subjectsResource,
          resolve: (_root, args: { id: string }, ctx) => deleteSubject(ctx.db, ctx.orgId, args.id),
        },
      },
    }),
  });
}
