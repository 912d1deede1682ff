// The on-screen keyboard, embedded in the kiosk window (see kiosk/ui/keyboard.py).
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    implicitHeight: panel.height
    InputPanel {
        id: panel
        width: parent.width
        anchors.bottom: parent.bottom
    }
    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["fr_FR", "en_GB"]
        VirtualKeyboardSettings.locale = "fr_FR"
    }
}
