; Inno Setup 6 script of the SLVie kiosk for Windows 10/11 (see installers/README.md, "Windows").
; Build, after the PyInstaller step has filled dist\windows\slvie-kiosk\:
;
;     iscc /DAppVersion=0.1.0 installers\windows\slvie-kiosk.iss
;
; writes dist\windows\slvie-kiosk-setup-0.1.0.exe. Same layout as the Debian package:
;   program      {commonpf}\SLVie Kiosk                   (replaced by each upgrade)
;   site config  {commonappdata}\SLVie Kiosk\site.toml    (never overwritten by an upgrade)
;   data         {commonappdata}\SLVie Kiosk\data          (kept on uninstall unless asked)
;   logs         {commonappdata}\SLVie Kiosk\logs
; and machine-wide variables SLVIE_KIOSK_DATA_DIR, SLVIE_KIOSK_CONFIG, SLVIE_KIOSK_LOG_DIR, so
; every command finds them ("slvie-kiosk doctor").
;
; Unattended install (nobody at the screen):
;   slvie-kiosk-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;       /SITECONFIG=C:\path\site.toml /ENROLCODE=XXXX-XXXX-XXXX [/ENROLSERVER=https://...]
; Unattended removal: "{commonpf}\SLVie Kiosk\unins000.exe" /VERYSILENT [/PURGE=1]
; Inno Setup cannot undo its files from [Code] once they are copied: a site file that is not
; valid is therefore not installed (the previous or default one stays), said on screen and in
; install.log; the Debian package, by contrast, fails its install.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\.."

[Setup]
AppId={{6F0B5C7E-3D1A-4C52-9E7B-5A1C2D3E4F60}
AppName=Borne SLVie
AppVersion={#AppVersion}
AppPublisher=SLVie kiosk team
DefaultDirName={commonpf}\SLVie Kiosk
DisableDirPage=yes
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesEnvironment=yes
CloseApplications=force
OutputDir={#Root}\dist\windows
OutputBaseFilename=slvie-kiosk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
UninstallDisplayName=Borne SLVie / SLVie kiosk
WizardStyle=modern

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
fr.BadConfig=La configuration %1 n'est pas valable ; elle n'a pas été installée. Voir %2.
en.BadConfig=The configuration %1 is not valid; it was not installed. See %2.
fr.MigrateFailed=La base n'a pas pu être sauvegardée ou mise à jour ; elle n'a pas été modifiée. Voir %1.
en.MigrateFailed=The database could not be backed up or migrated; it was left as it was. See %1.
fr.EnrolLater=Inscription non faite pour l'instant ; elle sera retentée à chaque démarrage du kiosque.
en.EnrolLater=Enrolment not done yet; it will be tried again at every start of the kiosk.
fr.PurgeData=Supprimer aussi les données, les journaux et la configuration du kiosque ?
en.PurgeData=Also delete the kiosk's data, logs and configuration?

[Dirs]
; Users (the kiosk account) write the data and logs; only administrators change the site file.
Name: "{commonappdata}\SLVie Kiosk"
Name: "{commonappdata}\SLVie Kiosk\data"; Permissions: users-modify
Name: "{commonappdata}\SLVie Kiosk\logs"; Permissions: users-modify

[Files]
Source: "{#Root}\dist\windows\slvie-kiosk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "slvie-kiosk-task.xml"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Root}\installers\debian\site.toml"; DestDir: "{app}"; DestName: "site.default.toml"; Flags: ignoreversion
Source: "{#Root}\installers\README.md"; DestDir: "{app}"; Flags: ignoreversion

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "SLVIE_KIOSK_DATA_DIR"; ValueData: "{commonappdata}\SLVie Kiosk\data"; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "SLVIE_KIOSK_CONFIG"; ValueData: "{commonappdata}\SLVie Kiosk\site.toml"; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "SLVIE_KIOSK_LOG_DIR"; ValueData: "{commonappdata}\SLVie Kiosk\logs"; Flags: uninsdeletevalue

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /TN ""SLVie kiosk"" /F"; Flags: runhidden; RunOnceId: "DeleteTask"
Filename: "{sys}\taskkill.exe"; Parameters: "/IM slvie-kiosk-gui.exe /F"; Flags: runhidden; RunOnceId: "StopKiosk"

[Code]
var
  PreviousVersion: String;

function DataDir(): String;
begin
  Result := ExpandConstant('{commonappdata}\SLVie Kiosk\data');
end;

function ConfigFile(): String;
begin
  Result := ExpandConstant('{commonappdata}\SLVie Kiosk\site.toml');
end;

{ Runs the installed slvie-kiosk.exe with the installed paths (the machine variables written by
  [Registry] reach only processes started after the install), its output in a log file. }
function Kiosk(Arguments: String; var ResultCode: Integer): Boolean;
var
  Command: String;
begin
  Command := '/C set "SLVIE_KIOSK_DATA_DIR=' + DataDir() + '" && set "SLVIE_KIOSK_CONFIG=' + ConfigFile() +
    '" && set "SLVIE_KIOSK_LOG_DIR=' + ExpandConstant('{commonappdata}\SLVie Kiosk\logs') +
    '" && "' + ExpandConstant('{app}\slvie-kiosk.exe') + '" ' + Arguments +
    ' >> "' + ExpandConstant('{commonappdata}\SLVie Kiosk\logs\install.log') + '" 2>&1';
  Result := Exec(ExpandConstant('{cmd}'), Command, '', SW_HIDE, ewWaitUntilTerminated, ResultCode)
    and (ResultCode = 0);
end;

function InitializeSetup(): Boolean;
begin
  RegQueryStringValue(HKLM, 'Software\Microsoft\Windows\CurrentVersion\Uninstall\{6F0B5C7E-3D1A-4C52-9E7B-5A1C2D3E4F60}_is1',
    'DisplayVersion', PreviousVersion);
  Result := True;
end;

procedure InstallSiteConfig();
var
  Given: String;
  ResultCode: Integer;
begin
  Given := ExpandConstant('{param:SITECONFIG|}');
  if Given <> '' then begin
    { Checked with the program just installed, before it replaces anything. }
    if not Kiosk('check-config "' + Given + '"', ResultCode) then begin
      SuppressibleMsgBox(FmtMessage(CustomMessage('BadConfig'), [Given, ExpandConstant('{commonappdata}\SLVie Kiosk\logs\install.log')]),
        mbCriticalError, MB_OK, IDOK);
      Exit;
    end;
    if FileExists(ConfigFile()) then
      FileCopy(ConfigFile(), ConfigFile() + '.old', False);
    FileCopy(Given, ConfigFile(), False);
  end else if not FileExists(ConfigFile()) then
    FileCopy(ExpandConstant('{app}\site.default.toml'), ConfigFile(), True);
end;

procedure MigrateDatabase();
var
  ResultCode: Integer;
  LogFile: String;
begin
  if FileExists(DataDir() + '\kiosk.sqlite3') then begin
    LogFile := ExpandConstant('{commonappdata}\SLVie Kiosk\logs\install.log');
    if not Kiosk('migrate --label "from-' + PreviousVersion + '"', ResultCode) then begin
      SuppressibleMsgBox(FmtMessage(CustomMessage('MigrateFailed'), [LogFile]), mbCriticalError, MB_OK, IDOK);
    end;
  end;
end;

procedure Enrol();
var
  Code, Server: String;
  ResultCode: Integer;
begin
  Code := ExpandConstant('{param:ENROLCODE|}');
  if Code = '' then
    Exit;
  Server := ExpandConstant('{param:ENROLSERVER|}');
  if Server <> '' then
    Server := ' --server "' + Server + '"';
  { The code is saved in the data folder first, so it is tried again at every start if the
    centre cannot be reached now. }
  if not Kiosk('enroll-pending --code "' + Code + '"' + Server, ResultCode) then
    SuppressibleMsgBox(CustomMessage('EnrolLater'), mbInformation, MB_OK, IDOK);
end;

procedure RegisterLogonTask();
var
  Xml: AnsiString;
  TaskFile: String;
  ResultCode: Integer;
begin
  TaskFile := ExpandConstant('{app}\slvie-kiosk-task.xml');
  LoadStringFromFile(TaskFile, Xml);
  StringChangeEx(Xml, '@APP@', ExpandConstant('{app}'), True);
  SaveStringToFile(TaskFile, Xml, False);
  Exec(ExpandConstant('{sys}\schtasks.exe'), '/Create /TN "SLVie kiosk" /XML "' + TaskFile + '" /F', '',
    SW_HIDE, ewWaitUntilTerminated, ResultCode);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then begin
    InstallSiteConfig();
    MigrateDatabase();
    Enrol();
    RegisterLogonTask();
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Purge: Boolean;
begin
  if CurUninstallStep = usPostUninstall then begin
    { Like "apt-get remove": the data stay, unless /PURGE is given or the person says so. }
    Purge := ExpandConstant('{param:PURGE|no}') <> 'no';
    if (not Purge) and (not UninstallSilent()) then
      Purge := MsgBox(CustomMessage('PurgeData'), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
    if Purge then
      DelTree(ExpandConstant('{commonappdata}\SLVie Kiosk'), True, True, True);
  end;
end;
