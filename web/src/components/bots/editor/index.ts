/** The bot editor (create and edit). Routes: BotNew, BotEdit. */
export { BotEditor, type BotEditorProps } from "./BotEditor";
export { EditorSkeleton } from "./EditorSkeleton";
export {
  emptyForm,
  type FormState,
  fromBot,
  fromTemplate,
  modelValues,
  pickModel,
  usableCredentials,
} from "./formState";
