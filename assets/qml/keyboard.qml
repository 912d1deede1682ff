// The on-screen keyboard, embedded in the kiosk window (see kiosk/ui/keyboard.py).
// It is as wide as fits the height the window gives it, centred, so it never grows the window.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Rectangle {
    color: "#14202e"
    InputPanel {
        id: panel
        width: Math.min(parent.width, parent.height * 2.9)
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
    }
    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["fr_FR", "en_GB"]
        VirtualKeyboardSettings.locale = "fr_FR"
    }
}
