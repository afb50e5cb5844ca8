import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "@/api/client";

/** Defaults: no retry on 4xx (it will not get better), one retry otherwise; no refetch storms on focus. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
          return failureCount < 1;
        },
      },
      mutations: { retry: false },
    },
  });
}
