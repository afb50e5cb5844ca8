import type { InputHTMLAttributes, Ref } from "react";
import { cn, controlClass } from "./cn";
import { useFieldControl } from "./Field";

/** A text input. Put it in a <Field> (or give it an aria-label). */
export function Input({
  className,
  ref,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  const wired = useFieldControl(props);
  return <input ref={ref} className={cn(controlClass, "h-9", className)} {...wired} />;
}
