import { Construct } from 'constructs';

/**
 * One part of the stack, a group of constructs for the reader (the stateful resources, the service,
 * its monitoring). A part is left out of the logical ids of what it holds (IntentsStack), so that
 * grouping resources into parts never renames, and so never replaces, one of them.
 */
export abstract class StackPart extends Construct {}
