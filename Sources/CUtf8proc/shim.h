// The system's utf8proc header, wrapped for Swift. Install it with: apt-get install libutf8proc-dev
#include <utf8proc.h>
