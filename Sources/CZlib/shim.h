// zlib from the system (apt: zlib1g-dev), to compress the journal's saved screens.
#include <zlib.h>
