# Sourced by .ci/run: a virtual X display (Xvfb) for the rest of the script, so the program runs on
# Qt's xcb platform as on an office PC. Exports DISPLAY; a watcher stops Xvfb when the sourcing shell
# ends, however it ends (no trap, which another block of .ci/run may want for itself).
xvfb_display=90
while [ -e "/tmp/.X11-unix/X$xvfb_display" ] || [ -e "/tmp/.X$xvfb_display-lock" ]; do
    xvfb_display=$((xvfb_display + 1))
done
Xvfb ":$xvfb_display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
xvfb_owner=$$
( while kill -0 "$xvfb_owner" 2>/dev/null; do sleep 2; done; kill "$xvfb_pid" 2>/dev/null ) >/dev/null 2>&1 &
xvfb_wait=0
until [ -e "/tmp/.X11-unix/X$xvfb_display" ]; do
    xvfb_wait=$((xvfb_wait + 1))
    if [ "$xvfb_wait" -gt 100 ] || ! kill -0 "$xvfb_pid" 2>/dev/null; then
        echo "Xvfb did not start on :$xvfb_display" >&2
        exit 1
    fi
    sleep 0.1
done
export DISPLAY=":$xvfb_display"
echo "Xvfb on $DISPLAY (1920x1080)"
