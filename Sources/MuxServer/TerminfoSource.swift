// The `mux-256color` terminfo entry sessions get as TERM. The server compiles it with `tic -x` into
// its own directory and points TERMINFO_DIRS there. Kept here, not as a file, so that the
// binary alone is enough; `mux server terminfo` prints it.

public enum TerminfoSource {
    public static let text = #"""
        # terminfo for mux sessions. Compile with: mux server terminfo > mux.terminfo && tic -x -o DIR mux.terminfo
        #
        # Describes what mux's emulator (Sources/MuxTerminal) implements: an xterm-compatible subset with
        # 256 colours and truecolor, underline styles and colours, bracketed paste, focus events, SGR mouse,
        # synchronized output, the title stack and OSC 52. Self-contained (no use=) so that it compiles on
        # a machine with only ncurses-bin. Keep it true as the emulator grows.
        mux-256color|mux terminal multiplexer with 256 colours and truecolor,
        	am, bce, km, mir, msgr, xenl, AX, XT,
        	colors#0x100, cols#80, it#8, lines#24, pairs#0x10000, U8#1,
        	acsc=``aaffggiijjkkllmmnnooppqqrrssttuuvvwwxxyyzz{{||}}~~,
        	bel=^G, blink=\E[5m, bold=\E[1m, cbt=\E[Z, civis=\E[?25l,
        	clear=\E[H\E[2J, cnorm=\E[?12l\E[?25h, cr=\r,
        	csr=\E[%i%p1%d;%p2%dr, cub=\E[%p1%dD, cub1=^H,
        	cud=\E[%p1%dB, cud1=\n, cuf=\E[%p1%dC, cuf1=\E[C,
        	cup=\E[%i%p1%d;%p2%dH, cuu=\E[%p1%dA, cuu1=\E[A,
        	cvvis=\E[?12;25h, dch=\E[%p1%dP, dch1=\E[P, dim=\E[2m,
        	dl=\E[%p1%dM, dl1=\E[M, dsl=\E]2;\007, ech=\E[%p1%dX,
        	ed=\E[J, el=\E[K, el1=\E[1K, flash=\E[?5h$<100/>\E[?5l,
        	fsl=^G, home=\E[H, hpa=\E[%i%p1%dG, ht=^I, hts=\EH,
        	ich=\E[%p1%d@, il=\E[%p1%dL, il1=\E[L, ind=\n,
        	indn=\E[%p1%dS, invis=\E[8m, is2=\E[!p\E[?3;4l\E[4l\E>,
        	kDC=\E[3;2~, kEND=\E[1;2F, kHOM=\E[1;2H, kIC=\E[2;2~,
        	kLFT=\E[1;2D, kNXT=\E[6;2~, kPRV=\E[5;2~, kRIT=\E[1;2C,
        	kb2=\EOE, kbs=^?, kcbt=\E[Z, kcub1=\EOD, kcud1=\EOB,
        	kcuf1=\EOC, kcuu1=\EOA, kdch1=\E[3~, kend=\EOF, kent=\EOM,
        	kf1=\EOP, kf2=\EOQ, kf3=\EOR, kf4=\EOS, kf5=\E[15~,
        	kf6=\E[17~, kf7=\E[18~, kf8=\E[19~, kf9=\E[20~,
        	kf10=\E[21~, kf11=\E[23~, kf12=\E[24~, khome=\EOH,
        	kich1=\E[2~, kind=\E[1;2B, kmous=\E[<, knp=\E[6~,
        	kpp=\E[5~, kri=\E[1;2A, nel=\EE, op=\E[39;49m, rc=\E8,
        	rep=%p1%c\E[%p2%{1}%-%db, rev=\E[7m, ri=\EM,
        	rin=\E[%p1%dT, ritm=\E[23m, rmacs=\E(B, rmam=\E[?7l,
        	rmcup=\E[?1049l, rmir=\E[4l, rmkx=\E[?1l\E>, rmm=\E[?1034l,
        	rmso=\E[27m, rmul=\E[24m, rs1=\Ec,
        	rs2=\E[!p\E[?3;4l\E[4l\E>, sc=\E7,
        	setab=\E[%?%p1%{8}%<%t4%p1%d%e%p1%{16}%<%t10%p1%{8}%-%d%e48;5;%p1%d%;m,
        	setaf=\E[%?%p1%{8}%<%t3%p1%d%e%p1%{16}%<%t9%p1%{8}%-%d%e38;5;%p1%d%;m,
        	sgr=%?%p9%t\E(0%e\E(B%;\E[0%?%p6%t;1%;%?%p5%t;2%;%?%p2%t;4%;%?%p1%p3%|%t;7%;%?%p4%t;5%;%?%p7%t;8%;m,
        	sgr0=\E(B\E[m, sitm=\E[3m, smacs=\E(0, smam=\E[?7h,
        	smcup=\E[?1049h, smir=\E[4h, smkx=\E[?1h\E=, smm=\E[?1034h,
        	smso=\E[7m, smul=\E[4m, tbc=\E[3g, tsl=\E]2;,
        	u6=\E[%i%d;%dR, u7=\E[6n, u8=\E[?%[;0123456789]c,
        	u9=\E[c, vpa=\E[%i%p1%dd,
        	BD=\E[?2004l, BE=\E[?2004h, Cr=\E]112\007, Cs=\E]12;%p1%s\007,
        	E3=\E[3J, Ms=\E]52;%p1%s;%p2%s\007, PE=\E[201~, PS=\E[200~,
        	RGB, Se=\E[2 q, Smulx=\E[4:%p1%dm, Ss=\E[%p1%d q,
        	Setulc=\E[58:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%dm,
        	Sync=\E[?2026%?%p1%{1}%-%tl%eh%;, TS=\E]2;, Tc,
        	XM=\E[?1006;1000%?%p1%{1}%=%th%el%;, XR=\E[>0q,
        	fd=\E[?1004l, fe=\E[?1004h, kxIN=\E[I, kxOUT=\E[O,
        	rmxx=\E[29m, smxx=\E[9m, Smol=\E[53m, Rmol=\E[55m,
        	xm=\E[<%i%p3%d;%p1%d;%p2%d;%?%p4%tM%em%;,
        	kDC3=\E[3;3~, kDC5=\E[3;5~, kDN=\E[1;2B, kDN3=\E[1;3B,
        	kDN5=\E[1;5B, kEND3=\E[1;3F, kEND5=\E[1;5F,
        	kHOM3=\E[1;3H, kHOM5=\E[1;5H, kIC3=\E[2;3~, kIC5=\E[2;5~,
        	kLFT3=\E[1;3D, kLFT5=\E[1;5D, kNXT3=\E[6;3~,
        	kNXT5=\E[6;5~, kPRV3=\E[5;3~, kPRV5=\E[5;5~,
        	kRIT3=\E[1;3C, kRIT5=\E[1;5C, kUP=\E[1;2A, kUP3=\E[1;3A,
        	kUP5=\E[1;5A,
        """#
}
