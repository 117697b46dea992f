// glibc's mallinfo2 is not visible to Swift's Glibc module; this exposes the one field we need.
#include "heap_stats.h"
#include <malloc.h>
size_t mux_heap_in_use(void) { return mallinfo2().uordblks; }
