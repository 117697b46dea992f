// Bytes of heap in use, from glibc's allocator, for memory benchmarks.
#include <stddef.h>
size_t mux_heap_in_use(void);
