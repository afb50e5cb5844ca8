import type { Ref, TextareaHTMLAttributes } from "react";
import { cn, controlClass } from "./cn";
import { useFieldControl } from "./Field";

/** A multi-line input; `rows` defaults to 4 and it can be resized vertically. */
export function Textarea({
  className,
  ref,
  rows = 4,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  const wired = useFieldControl(props);
  return (
    <textarea
      ref={ref}
      rows={rows}
      className={cn(controlClass, "resize-y py-2 leading-relaxed", className)}
      {...wired}
    />
  );
}
